"""The one error type of the codebook package, carrying file, line and code context."""

from __future__ import annotations


class CodebookError(ValueError):
    """A codebook problem, with where it was found: file, 1-based line, code id or path, field."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        code: str | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.code = code
        # The model field at fault, when known; the message already names it for readers.
        self.field = field
        super().__init__(message)

    def __str__(self) -> str:
        """Render as "file, line N, code 'x': message", leaving out unknown parts."""
        context = []
        if self.file is not None:
            context.append(self.file)
        if self.line is not None:
            context.append(f"line {self.line}")
        if self.code is not None:
            context.append(f"code {self.code!r}")
        if not context:
            return self.message
        return f"{', '.join(context)}: {self.message}"

    def __repr__(self) -> str:
        return (
            f"CodebookError({self.message!r}, file={self.file!r}, "
            f"line={self.line!r}, code={self.code!r}, field={self.field!r})"
        )

    def __reduce__(self) -> tuple[type[CodebookError], tuple[str], dict[str, object]]:
        # Keyword-only context would otherwise be lost when the error is pickled.
        return (type(self), (self.message,), dict(self.__dict__))

    def with_context(
        self,
        *,
        file: str | None = None,
        line: int | None = None,
        code: str | None = None,
        field: str | None = None,
    ) -> CodebookError:
        """Return a copy with missing context filled in; context already present is kept."""
        return CodebookError(
            self.message,
            file=self.file if self.file is not None else file,
            line=self.line if self.line is not None else line,
            code=self.code if self.code is not None else code,
            field=self.field if self.field is not None else field,
        )
