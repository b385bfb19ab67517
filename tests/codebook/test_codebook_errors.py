"""CodebookError: its message format and the context it carries."""

import pickle

from codebook import CodebookError


def test_str_joins_file_line_and_code_before_the_message() -> None:
    error = CodebookError(
        "colour 'zz' is not a #RRGGBB colour", file="karabakh.yaml", line=12, code="unemployment"
    )
    assert str(error) == (
        "karabakh.yaml, line 12, code 'unemployment': colour 'zz' is not a #RRGGBB colour"
    )


def test_str_leaves_out_missing_context() -> None:
    error = CodebookError("the id 'x' is used twice", line=3, code="x")
    assert str(error) == "line 3, code 'x': the id 'x' is used twice"


def test_str_without_context_is_the_message() -> None:
    assert str(CodebookError("nothing to update")) == "nothing to update"


def test_is_a_value_error() -> None:
    assert isinstance(CodebookError("bad"), ValueError)


def test_context_is_kept_as_attributes() -> None:
    error = CodebookError("bad", file="a.yaml", line=2, code="x", field="colour")
    assert (error.message, error.file, error.line, error.code, error.field) == (
        "bad",
        "a.yaml",
        2,
        "x",
        "colour",
    )


def test_with_context_fills_only_missing_parts() -> None:
    error = CodebookError("bad", code="x").with_context(file="a.yaml", line=4, code="y")
    assert (error.file, error.line, error.code) == ("a.yaml", 4, "x")


def test_pickling_keeps_the_context() -> None:
    error = pickle.loads(pickle.dumps(CodebookError("bad", file="a.yaml", line=2, code="x")))
    assert str(error) == "a.yaml, line 2, code 'x': bad"
