"""Reading source files: UTF-8 (and GBK detection), YAML with line numbers, schema errors as located problems."""
