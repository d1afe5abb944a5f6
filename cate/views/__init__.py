"""Pages of CATE casework, one module per part: thin, a selector, a form, a service and a
redirect after POST (core.pages)."""
