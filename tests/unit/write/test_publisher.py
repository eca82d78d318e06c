"""check_path: no output path may leave the output folder."""
from __future__ import annotations

import pytest

from sitegen.errors import BuildError
from sitegen.write.publisher import check_path


@pytest.mark.parametrize("rel", [
    "portal/index.html",
    "town/news/market/index.html",
    "portal/tags/经济/page/2/index.html",
    "portal/static/css/site.3f2a9c.css",
    "finance/news/budget/plan.pdf",
    "portal/news/v1..2.html",  # dots inside a name climb nowhere
    "portal/.well-known/security.txt",
])
def test_check_path_accepts_a_normal_relative_path(rel):
    check_path(rel)


@pytest.mark.parametrize("rel", [
    "../outside.html",
    "portal/../../outside.html",
    "portal/news/../index.html",  # stays inside, but is not written as normalised
    "..",
    "portal/..",
    "/etc/passwd",
    "/portal/index.html",
    "portal\\index.html",
    "..\\outside.html",
    "./portal/index.html",
    "portal/./index.html",
    ".",
    "",
    "//portal/index.html",
    "portal//index.html",
])
def test_check_path_refuses_a_path_that_is_not_plain_and_relative(rel):
    with pytest.raises(BuildError) as caught:
        check_path(rel)
    assert f"refusing to write outside the output folder: {rel}" in caught.value.problems[0].message
