"""Handing freed memory back to the system.

glibc keeps what a program frees in its heaps for reuse and gives back only
the top of the main heap on its own.  Indexing makes and frees hundreds of
megabytes (passages, field texts, the engine's documents), much of it in
threads, whose heaps glibc never shrinks by itself: after a 10 MB build,
78 MB of the process's 237 MB was freed memory still held
(``malloc_trim`` returned it).  ``give_back()`` asks glibc to return it.
"""

from __future__ import annotations

_trim = None  # glibc's malloc_trim, once looked up; False where there is none


def give_back() -> bool:
    """Return the freed heap memory to the system (glibc's ``malloc_trim``);
    True if it was asked, False on a C library without it."""
    global _trim
    if _trim is None:
        _trim = False
        try:
            import ctypes

            # The symbols the interpreter is linked with (the C library's
            # among them); no search for the library's file.
            fn = getattr(ctypes.CDLL(None), "malloc_trim", None)
            if fn is not None:
                fn.argtypes = [ctypes.c_size_t]
                fn.restype = ctypes.c_int
                _trim = fn
        except (OSError, AttributeError, ImportError):
            _trim = False
    if _trim is False:
        return False
    _trim(0)
    return True
