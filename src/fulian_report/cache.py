"""A cache on disk of results that take long to make and depend only on what their key names.

Used for each style's prepared blank .docx (writers/docx.py) and for the compiled style
templates (render/environment.py): both cost more at every start than a whole report.

- Where: `FULIAN_REPORT_CACHE_DIR` if set, else `$XDG_CACHE_HOME/fulian-report`, else
  `~/.cache/fulian-report` (on Windows `%LOCALAPPDATA%\\fulian-report\\cache`).
- Keys: the caller names everything the result depends on (the style's settings, the source of
  the code that makes it, library and Python versions); `fingerprint` adds the tool's version and
  Python's.  A changed input is a new key, never a stale hit.
- Entries are written to a temporary file and renamed, so a reader sees a whole entry or none;
  each starts with a digest of its contents, and one that does not match (cut short, damaged)
  is ignored and made again.
- The cache only ever saves time: a folder that cannot be made or written is no error, the
  result is then made as if there were no cache.
"""

from __future__ import annotations

import os
import sys

try:  # the module itself, not hashlib: hashlib loads OpenSSL, a tenth of a cached --help
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b

from . import __version__

CACHE_VARIABLE = "FULIAN_REPORT_CACHE_DIR"
_MAGIC = b"fulian-report-cache-1\n"
_DIGEST_SIZE = 32  # blake2b with 32-byte digests


def cache_root(environ: dict[str, str] | None = None) -> str:
    """The folder that holds every cache of this tool (a string: pathlib costs a cached --help
    a fifth of its time)."""
    environ = os.environ if environ is None else environ
    chosen = environ.get(CACHE_VARIABLE, "").strip()
    if chosen:
        return os.path.expanduser(chosen)
    if sys.platform == "win32" and environ.get("LOCALAPPDATA"):
        return os.path.join(environ["LOCALAPPDATA"], "fulian-report", "cache")
    xdg = environ.get("XDG_CACHE_HOME", "").strip()
    if xdg and os.path.isabs(xdg):  # the XDG rule: a relative path is to be ignored
        return os.path.join(xdg, "fulian-report")
    return os.path.join(os.path.expanduser("~"), ".cache", "fulian-report")


def fingerprint(*parts: bytes | str) -> str:
    """A key for a result made from `parts` by this version of the tool under this Python."""
    digest = blake2b(digest_size=20)
    for part in (__version__, sys.version, *parts):
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        # Each part with its length: ("ab", "c") and ("a", "bc") are different keys.
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def source_of(*modules: object) -> bytes:
    """The source text of modules, to key a result by the code that makes it (the version
    number alone does not change with every edit of a checkout)."""
    chunks = []
    for module in modules:
        path = getattr(module, "__file__", None)
        try:
            with open(path, "rb") as stream:
                chunks.append(stream.read())
        except (OSError, TypeError):  # installed without sources: the version in the key has to do
            chunks.append(b"")
    return b"\0".join(chunks)


class DiskCache:
    """Entries of one kind (a subfolder of the cache root), each a file named by its key."""

    def __init__(self, kind: str, root: str | os.PathLike | None = None):
        self.kind, self.root = kind, root

    @property
    def folder(self) -> str:
        # Looked up at each use: the environment may name another root after this was made.
        return os.path.join(cache_root() if self.root is None else os.fspath(self.root), self.kind)

    def path(self, key: str) -> str:
        return os.path.join(self.folder, key)

    def get(self, key: str) -> bytes | None:
        """The entry's contents; None when there is none or it is damaged."""
        try:
            with open(self.path(key), "rb") as stream:
                data = stream.read()
        except OSError:
            return None
        head = len(_MAGIC) + _DIGEST_SIZE
        if len(data) < head or not data.startswith(_MAGIC):
            return None
        payload = memoryview(data)[head:]
        if blake2b(payload, digest_size=_DIGEST_SIZE).digest() != data[len(_MAGIC) : head]:
            return None
        return payload.tobytes()

    def put(self, key: str, payload: bytes) -> None:
        """Store an entry whole or not at all; a cache that cannot be written is left alone."""
        import tempfile  # only when writing: a tenth of a cached --help

        digest = blake2b(payload, digest_size=_DIGEST_SIZE).digest()
        temporary, folder = None, self.folder
        try:
            os.makedirs(folder, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{key}.", suffix=".tmp")
            with os.fdopen(handle, "wb") as stream:
                stream.write(_MAGIC + digest + payload)
            os.replace(temporary, os.path.join(folder, key))
            temporary = None
        except OSError:
            pass
        finally:
            if temporary is not None:
                try:
                    os.unlink(temporary)
                except OSError:
                    pass
