"""The patched tree as C facts (tree-sitter): functions, calls, call graph."""
