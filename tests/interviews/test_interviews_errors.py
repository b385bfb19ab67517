"""Error messages of the interviews package: one line, with their context."""

import pickle

from interviews.errors import (
    AmbiguousQuoteError,
    DictionaryError,
    InterviewsError,
    InvalidValueError,
    OffsetError,
    QuoteNotFoundError,
    SegmentError,
    TranscriptError,
)


def test_transcript_error_names_source_line_and_column() -> None:
    error = TranscriptError(
        "byte 0xff cannot be decoded as utf-8",
        source="interview07.txt",
        line=3,
        column=14,
        offset=57,
    )
    assert str(error) == "interview07.txt, line 3, column 14: byte 0xff cannot be decoded as utf-8"


def test_transcript_error_without_line_falls_back_to_offset() -> None:
    error = TranscriptError("bad", source="a.txt", offset=9)
    assert str(error) == "a.txt, offset 9: bad"


def test_transcript_error_without_context_is_the_message() -> None:
    assert str(TranscriptError("the file is empty")) == "the file is empty"


def test_dictionary_error_names_file_line_and_attribute() -> None:
    error = DictionaryError("label is missing", file="study.yaml", line=12, field="gender")
    assert str(error) == "study.yaml, line 12, attribute gender: label is missing"


def test_invalid_value_error_names_the_field() -> None:
    assert str(InvalidValueError("'x' is not a whole number", field="birth_year")) == (
        "birth_year: 'x' is not a whole number"
    )


def test_segment_error_keeps_offsets() -> None:
    error = SegmentError("start 9 is after end 3", start=9, end=3)
    assert (error.start, error.end) == (9, 3)


def test_offset_error_is_a_segment_error() -> None:
    error = OffsetError("outside", offset=7)
    assert isinstance(error, SegmentError) and error.offset == 7


def test_errors_are_value_errors() -> None:
    assert issubclass(InterviewsError, ValueError)
    assert issubclass(TranscriptError, InterviewsError)


def test_errors_survive_pickling_with_their_context() -> None:
    error = TranscriptError("bad byte", source="a.txt", line=2, column=5, offset=11)
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.offset) == (str(error), 11)


def test_quote_errors_survive_pickling_with_their_context() -> None:
    missing = pickle.loads(pickle.dumps(QuoteNotFoundError("no 'x'", nearest=(3, 9))))
    ambiguous = pickle.loads(pickle.dumps(AmbiguousQuoteError("twice", occurrences=2)))
    assert (missing.nearest, missing.start, missing.end) == ((3, 9), 3, 9)
    assert ambiguous.occurrences == 2 and isinstance(ambiguous, SegmentError)
