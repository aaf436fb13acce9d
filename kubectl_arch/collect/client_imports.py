"""The kubernetes client imported without what a GET never runs: start-up is measured to the first request.

``import kubernetes`` takes about 190 ms, and most of it loads code the live reader's requests
(``ApiClient.param_serialize`` and ``call_api``, raw bodies) never run:

- the package's ``__init__`` imports ``dynamic``, ``watch``, ``stream``, ``informer`` and ``leaderelection``;
- ``client.api_client`` binds pydantic's ``SecretStr``, the pydantic model ``ApiResponse`` (and its type
  variable) and dateutil's ``parse``: they serve model objects and deserialisation;
- ``config.kube_config`` binds ``oauthlib.oauth2`` and ``requests_oauthlib.OAuth2Session`` (with requests):
  they refresh an OIDC auth-provider token;
- ``client.rest`` imports ``kubernetes.utils.retry``, whose package ``__init__`` imports every helper
  (``create_from_yaml``, quantities, durations, metrics); ``client.api_client`` binds ``ThreadPool``
  (``multiprocessing.pool``), which only ``async_req`` calls start;
- urllib3 (imported by ``client.configuration``) imports ``urllib3.http2``, which binds ``importlib.metadata``'s
  ``version`` for switching HTTP/2 on, which the client never does.

``import_client`` imports the client's own modules with those deferred:

1. The ``kubernetes`` and ``kubernetes.utils`` packages are made from their specs; each one's ``__init__`` runs
   the first time an attribute it would set is asked for (``kubernetes.watch``, ``kubernetes.__version__``,
   ``kubernetes.utils.create_from_yaml``), as a normal import would have. Their submodules import as always.
2. While the client's modules run, each deferred module is a stand-in in ``sys.modules``: a client
   module's ``from pydantic import SecretStr`` binds a ``Deferred``, which imports the real object when
   first used (called, an attribute read, ``isinstance``) and puts it in the client module's place. Until
   then ``isinstance(x, SecretStr)`` is False without importing pydantic: no instance of a class exists
   before its module ran. Then the stand-ins leave ``sys.modules``: a later ``import pydantic`` or
   ``from kubernetes.client import CoreV1Api`` imports the real modules, as always.

Only the pinned client's layout is trusted (pyproject: kubernetes>=37,<40): with another version, or if
anything goes wrong on the way, the client is imported plainly. Speed never breaks a run.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
import threading
import types
from typing import Any

SUPPORTED_MAJORS = range(37, 40)  # pyproject: kubernetes>=37,<40
# What the live reader uses: importing these is the import of the client (the package comes first).
CLIENT_MODULES = ("kubernetes.client", "kubernetes.client.api_client", "kubernetes.config")
# Deferred modules, and the names the client's modules import from them that become ``Deferred``.
# ``oauthlib.oauth2`` is bound as an attribute of the (cheap) oauthlib package: ``import oauthlib.oauth2``.
DEFERRED: dict[str, tuple[str, ...]] = {
    "pydantic": ("SecretStr",),
    "kubernetes.client.api_response": ("ApiResponse", "T"),
    "dateutil.parser": ("parse",),
    "oauthlib.oauth2": (),
    "requests_oauthlib": ("OAuth2Session",),
    "multiprocessing.pool": ("ThreadPool",),
    "importlib.metadata": ("version",),
}
# The modules that get a ``Deferred``: the client's, and urllib3's HTTP/2 package, whose ``version``
# (importlib.metadata, some 7 ms to import) only ``inject_into_urllib3`` calls (h2's version, for HTTP/2).
BINDERS = ("kubernetes.", "urllib3.http2")
# Packages whose ``__init__`` imports more than the client's modules use from them: made without running it.
DEFERRED_INITS = ("kubernetes", "kubernetes.utils")

_lock = threading.Lock()
_binding_thread: int | None = None  # the thread importing the client's modules, while it does
_sites: dict[object, list[tuple[types.ModuleType, str]]] = {}  # stand-in -> where the client bound it
_deferred: dict[tuple[str, str], Deferred] = {}


def import_client() -> None:
    """Import the client the live reader uses, deferring what a GET never runs (plainly when unsure)."""
    with _lock:
        if "kubernetes" in sys.modules:
            return
        spec = importlib.util.find_spec("kubernetes")
        if spec is None or not layout_known(spec):
            importlib.import_module("kubernetes")  # not installed raises here, as the plain import would
            return
        before = set(sys.modules)
        try:
            _import_deferring(spec)
        except Exception:
            # A client that uses a deferred name while its modules run: forget the half-made client and
            # import it whole.
            for name in set(sys.modules) - before:
                if name == "kubernetes" or name.startswith("kubernetes."):
                    del sys.modules[name]
            _sites.clear()
            importlib.import_module("kubernetes")


def layout_known(spec: Any) -> bool:
    """Whether the installed client is a version this module was written against (read from its source:
    importing it would defeat the purpose)."""
    try:
        with open(spec.origin, encoding="utf-8") as handle:
            found = re.search(r'^__version__ = "(\d+)\.', handle.read(), re.MULTILINE)
    except (OSError, TypeError):
        return False
    return found is not None and int(found.group(1)) in SUPPORTED_MAJORS and hasattr(sys, "_getframe")


def _import_deferring(spec: Any) -> None:
    global _binding_thread
    before = set(sys.modules)
    stand_ins = {name: StandInModule(name) for name in DEFERRED if name not in sys.modules}
    sys.modules.update(stand_ins)
    sys.modules["kubernetes"] = _package_with_deferred_init(spec)
    for name in DEFERRED_INITS[1:]:  # found through the package made above (its __path__), so no __init__ runs
        sys.modules[name] = _package_with_deferred_init(importlib.util.find_spec(name))
    _binding_thread = threading.get_ident()
    try:
        for name in CLIENT_MODULES:
            importlib.import_module(name)
    finally:
        _binding_thread = None
        for name, stand_in in stand_ins.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]
    for name in sorted(set(sys.modules) - before):
        if name.startswith(BINDERS):
            module = sys.modules[name]
            for key, value in vars(module).items():
                if isinstance(value, (Deferred, StandInModule)):
                    _sites.setdefault(value, []).append((module, key))
    for name, stand_in in stand_ins.items():  # `import oauthlib.oauth2` bound the package: give it the attribute
        parent_name, _, child = name.rpartition(".")
        parent = sys.modules.get(parent_name)
        if parent is not None and not isinstance(parent, StandInModule) and child not in vars(parent):
            setattr(parent, child, stand_in)


def _package_with_deferred_init(spec: Any) -> types.ModuleType:
    """The package module, its ``__init__`` run when an attribute it sets is first asked for."""
    package = importlib.util.module_from_spec(spec)
    lock = threading.RLock()
    running: list[bool] = []

    def __getattr__(name: str) -> Any:
        with lock:  # another thread waits for the whole __init__; this one, inside it, goes on importing
            if not running and vars(package).get("__getattr__") is __getattr__:
                running.append(True)
                try:
                    spec.loader.exec_module(package)
                finally:
                    vars(package).pop("__getattr__", None)
                    running.clear()
        try:
            return vars(package)[name]
        except KeyError:
            raise AttributeError(f"module {spec.name!r} has no attribute {name!r}") from None

    vars(package)["__getattr__"] = __getattr__
    return package


def _real_module(name: str) -> types.ModuleType:
    if isinstance(sys.modules.get(name), StandInModule):
        del sys.modules[name]
    return importlib.import_module(name)


def _loaded(name: str) -> bool:
    module = sys.modules.get(name)
    return module is not None and not isinstance(module, StandInModule)


def _rebind(stand_in: object, real: Any) -> None:
    """Put the real object where the client's modules bound the stand-in (unless something else is there now)."""
    for module, key in _sites.pop(stand_in, ()):
        if vars(module).get(key) is stand_in:
            setattr(module, key, real)


class StandInModule(types.ModuleType):
    """A deferred module: in ``sys.modules`` while the client's modules run, then only where they bound it.

    The client's modules get a ``Deferred`` for the names ``DEFERRED`` lists; anything else, or anyone
    else, gets the real module's attribute (the real module is imported then).
    """

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("__"):  # the import system and typing probe dunders: no import for those
            raise AttributeError(attribute)
        if attribute in DEFERRED[self.__name__] and _binding_thread == threading.get_ident():
            importer = sys._getframe(1).f_globals.get("__name__", "")
            if importer.startswith(BINDERS):
                return _deferred.setdefault((self.__name__, attribute), Deferred(self.__name__, attribute))
        real = _real_module(self.__name__)
        _rebind(self, real)
        return getattr(real, attribute)


class Deferred:
    """A name a client module imported from a deferred module: the real object on first use."""

    __slots__ = ("attribute", "module")

    def __init__(self, module: str, attribute: str) -> None:
        self.module = module
        self.attribute = attribute

    def resolve(self) -> Any:
        real = getattr(_real_module(self.module), self.attribute)
        _rebind(self, real)
        return real

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.resolve()(*args, **kwargs)

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("__") or attribute in Deferred.__slots__:  # typing probes dunders
            raise AttributeError(attribute)
        return getattr(self.resolve(), attribute)

    def __instancecheck__(self, instance: Any) -> bool:
        return _loaded(self.module) and isinstance(instance, self.resolve())

    def __subclasscheck__(self, subclass: type) -> bool:
        return _loaded(self.module) and issubclass(subclass, self.resolve())

    def __getitem__(self, parameters: Any) -> Deferred:
        return self  # a generic subscripted in an annotation while the client's module ran

    def __repr__(self) -> str:
        return f"<deferred {self.module}.{self.attribute}>"
