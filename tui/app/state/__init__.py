"""Plain-Python state owners of the app: no Textual, unit-tested on their own.

The app wires them to widgets; it does not contain them.

* ``search``: the query, its results (stale answers dropped, pages
  appended), every hit per document, and the per-corpus query history;
* ``navigation``: back/forward through reading places, stepping through
  the documents with hits;
* ``bookmarks``: the bookmark list, changed against what is on disk;
* ``find``: find-in-document.
"""
