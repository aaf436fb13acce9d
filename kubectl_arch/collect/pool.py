"""One TLS context for every connection a live run opens.

urllib3 builds a new ``SSLContext`` for each connection and loads the trust and the client certificate into
it every time: the CA file and the key pair (a few hundred microseconds), or, without a CA file
(``--insecure-skip-tls-verify``), the system's whole trust store, about 30 ms a connection. A run opens
several connections at once (``collect`` reads needs in parallel), so the run builds the context once
here, with urllib3's own defaults, and every connection of the pool uses it.
"""

from __future__ import annotations

import ssl
from typing import Any


class _EncryptedKey(Exception):
    """The client key needs a password: OpenSSL would ask for it on the terminal."""


def _no_password() -> str:
    raise _EncryptedKey


def share_one_tls_context(pool_manager: Any) -> bool:
    """Give ``pool_manager``'s connections one context holding what each would otherwise load itself.

    Only a direct pool (no proxy) is changed. When the trust or the key pair cannot be loaded (a missing
    file, an encrypted key), nothing changes: each connection then fails as it did, with urllib3's message,
    which the reader turns into the run's one-line error. Returns whether the context is shared.
    """
    import urllib3
    from urllib3.util.ssl_ import create_urllib3_context

    if type(pool_manager) is not urllib3.PoolManager:
        return False
    settings = pool_manager.connection_pool_kw
    verify = settings.get("cert_reqs", ssl.CERT_REQUIRED)
    context = create_urllib3_context(cert_reqs=verify)
    try:
        if verify != ssl.CERT_NONE:
            ca_file, ca_data = settings.get("ca_certs"), settings.get("ca_cert_data")
            if ca_file or ca_data:
                context.load_verify_locations(cafile=ca_file, cadata=ca_data)
            else:
                context.load_default_certs()
        if settings.get("cert_file"):
            context.load_cert_chain(settings["cert_file"], settings.get("key_file"), password=_no_password)
    except (OSError, ValueError, _EncryptedKey):  # ssl.SSLError is an OSError
        return False
    settings.update(ssl_context=context, ca_certs=None, ca_cert_data=None, cert_file=None, key_file=None)
    return True
