"""The patched tree as C facts (tree-sitter): functions, calls, call graph.

* :mod:`xenreview.code.model`: the records (Function, Call, Assignment,
  SwitchCase, Initializer, MacroDef, ... and a function's statement tree);
* :mod:`xenreview.code.parse`: one file -> ``CFile`` (:func:`parse_c`) and
  the blob-keyed :class:`~xenreview.code.parse.FactCache`;
* :mod:`xenreview.code.flow`: call order, error ladders, locks held at a call;
* :mod:`xenreview.code.facts`: a whole tree -> ``TreeFacts`` (call graph,
  guest entry points, reachability), from an applied series or a directory.
"""
