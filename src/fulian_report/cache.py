"""A cache on disk of results that take long to make and depend only on what their key names.

Used for each style's prepared blank .docx (writers/docx.py) and for the compiled style
templates (render/environment.py): both cost more at every start than a whole report.

- Where: `FULIAN_REPORT_CACHE_DIR` if set, else `$XDG_CACHE_HOME/fulian-report`, else
  `~/.cache/fulian-report` (on Windows `%LOCALAPPDATA%\\fulian-report\\cache`).
- Keys: the caller names everything the result depends on (the style's settings, the source of
  the code that makes it, library and Python versions); `fingerprint` adds the tool's version and
  Python's.  A changed input is a new key, never a stale hit.
- Entries are written to a temporary file and renamed, so a reader sees a whole entry or none;
  each starts with a digest of its contents keyed with a secret of the user's (a 0600 file in
  a 0700 folder outside the cache, made on first use), and one that does not match (cut short,
  damaged, or written by anyone without the key: another account sharing the folder, a CI
  cache restored from another branch) is ignored and made again.  A compiled template is
  code, and Jinja reads its entries with pickle: only what this user's own runs wrote is loaded.
- The cache is used only when its folders are the user's own and nobody else can write them
  (as ssh and pip check); an entry is read only when it is a regular file of the user's that
  nobody else can write, not a link, FIFO or device, and under MAX_ENTRY_BYTES.
- The cache only ever saves time: a folder that cannot be made or written is no error, the
  result is then made as if there were no cache.
"""

from __future__ import annotations

import os
import stat
import sys

try:  # the module itself, not hashlib: hashlib loads OpenSSL, a tenth of a cached --help
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b

from . import __version__, regular_file

CACHE_VARIABLE = "FULIAN_REPORT_CACHE_DIR"
_MAGIC = b"fulian-report-cache-2\n"
_DIGEST_SIZE = 32  # blake2b with 32-byte digests
_KEY_SIZE = 32  # blake2b's largest key
# The largest entry (a style's compiled templates) is a few hundred KB; anything past this is
# not ours and is not read.
MAX_ENTRY_BYTES = 16 * 1024 * 1024
# The user whose cache it is; None where the system has no such notion (Windows).
_OWNER = os.geteuid() if hasattr(os, "geteuid") else None


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


def state_folder(environ: dict[str, str] | None = None) -> str:
    """The folder of what the tool keeps for the user alone, apart from any cache: the cache key,
    the locks of data folders (`%LOCALAPPDATA%\\fulian-report` on Windows, else
    `$XDG_STATE_HOME/fulian-report` or `~/.local/state/fulian-report`)."""
    environ = os.environ if environ is None else environ
    if sys.platform == "win32" and environ.get("LOCALAPPDATA"):
        return os.path.join(environ["LOCALAPPDATA"], "fulian-report")
    state = environ.get("XDG_STATE_HOME", "").strip()
    if not (state and os.path.isabs(state)):
        state = os.path.join(os.path.expanduser("~"), ".local", "state")
    return os.path.join(state, "fulian-report")


def key_path(environ: dict[str, str] | None = None) -> str:
    """The file that holds the user's cache key: outside the cache root, so that a cache folder
    copied from elsewhere (restored by CI, shared between accounts) never brings its key along."""
    environ = os.environ if environ is None else environ
    if sys.platform == "win32" and environ.get("LOCALAPPDATA"):
        return os.path.join(state_folder(environ), "key", "cache-key")
    return os.path.join(state_folder(environ), "cache-key")


def private_folder(path: str) -> str | None:
    """`path`, made if missing, when it is a folder of this user's that nobody else can read,
    write or enter; else None."""
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
    except OSError:
        return None
    return path if _own_folder(path, private=True) else None


def _own_folder(path: str, private: bool = False) -> bool:
    """Whether `path` is a real folder (not a link) of this user that nobody else can write
    (with `private`, nor read or enter)."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    if _OWNER is None:
        return True
    return info.st_uid == _OWNER and not info.st_mode & (0o077 if private else 0o022)


_user_key: bytes | None = None


def user_key() -> bytes | None:
    """The user's secret cache key, made on first use; None when it cannot be kept privately
    (then nothing is cached)."""
    global _user_key
    if _user_key is None:
        _user_key = _read_or_make_key(key_path())
    return _user_key or None


def _read_or_make_key(path: str) -> bytes:
    if private_folder(os.path.dirname(path)) is None:
        return b""
    for _attempt in range(2):
        try:
            key = regular_file.read_regular(path, _KEY_SIZE, _OWNER)
        except FileNotFoundError:
            key = None
        except (OSError, regular_file.Refused):
            return b""
        if key is not None:
            mode = os.lstat(path).st_mode if _OWNER is not None else 0
            return key if len(key) == _KEY_SIZE and not mode & 0o077 else b""
        _make_key(path)
    return b""


def _make_key(path: str) -> None:
    """A new random key, linked into place whole: of two processes making one at once, the
    second finds the first's."""
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(handle, "wb") as stream:
            stream.write(os.urandom(_KEY_SIZE))
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links: renamed instead (a race then costs a rebuild)
            os.replace(temporary, path)
    except OSError:
        pass
    finally:
        try:
            os.unlink(temporary)
        except OSError:
            pass


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
        """The entry's contents; None when there is none, it is damaged, or it is not trusted."""
        secret = user_key()
        folder = self.folder
        if secret is None or not _own_folder(folder):
            return None
        try:
            data = regular_file.read_regular(os.path.join(folder, key), MAX_ENTRY_BYTES, _OWNER)
        except (OSError, regular_file.Refused):
            return None
        head = len(_MAGIC) + _DIGEST_SIZE
        if len(data) < head or not data.startswith(_MAGIC):
            return None
        payload = memoryview(data)[head:]
        if blake2b(payload, digest_size=_DIGEST_SIZE, key=secret).digest() != data[len(_MAGIC) : head]:
            return None
        return payload.tobytes()

    def put(self, key: str, payload: bytes) -> None:
        """Store an entry whole or not at all; a cache that cannot be written is left alone."""
        import tempfile  # only when writing: a tenth of a cached --help

        secret = user_key()
        if secret is None or len(payload) > MAX_ENTRY_BYTES - len(_MAGIC) - _DIGEST_SIZE:
            return
        digest = blake2b(payload, digest_size=_DIGEST_SIZE, key=secret).digest()
        temporary, folder = None, self.folder
        try:
            os.makedirs(folder, mode=0o700, exist_ok=True)
            if not _own_folder(folder):  # another account's folder: neither read nor written
                return
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
