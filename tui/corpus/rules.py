"""The structure layer's catalogue: the parser's version and the names of
its rules.  Apart from the parser itself, so that reading the document
cache (which keys on them) does not import the parser and its regular
expressions (about 50 ms of every start-up)."""

# Bump when a rule changes what a document parses into: cached documents
# made by another version are parsed again.
PARSER_VERSION = 9
# The rule behind every section; the index is its code in the document cache
# (append only).  ``RULE_NAMES`` says what each means (``list --explain``).
RULES = (
    "md", "setext", "chapter", "section", "roman", "cnformal", "cn", "cnparen", "num", "numparen",
    "circled", "decimal", "named", "bare", "sequence", "standalone", "format",
)  # fmt: skip
RULE_NAMES = {
    "md": "Markdown # heading",
    "setext": "Markdown heading underlined with === or ---",
    "chapter": "chapter marker 第…章/回/编/篇/卷/部分 (a title on the next line joins it)",
    "section": "section marker 第…节",
    "roman": "Roman numeral marker Ⅰ、",
    "cnformal": "formal numeral marker 壹、",
    "cn": "Chinese numeral marker 一、",
    "cnparen": "parenthesised numeral marker （一）",
    "num": "number marker 1、 or 1.",
    "numparen": "number marker (1) or 1)",
    "circled": "circled number marker ①",
    "decimal": "short decimal-numbered line 1.1 …",
    "named": "conventional part name (总则, 附则, 前言 …)",
    "bare": "a bare number line, the title on the next line",
    "sequence": "bare numbers alone on their lines, counting up (二, 三, 四 …)",
    "standalone": "short stand-alone line between paragraphs",
    "format": "a heading the file's format declares (HTML h1-h6, a Word heading style or outline level, "
    "the EPUB table of contents, a PDF bookmark, Markdown # or an underline)",
}
TITLE_RULES = {
    "md": "the first Markdown # heading",
    "setext": "the first Markdown heading underlined with ===",
    "line": "the first line of text",
    "two-lines": "the first two lines (a headline broken over two lines)",
    "metadata": "a 书名: header line",
    "front-matter": "the title: of the YAML front matter",
    "file-name": "the file name (no title line in the text)",
}
