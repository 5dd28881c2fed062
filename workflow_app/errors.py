"""Domain errors: each carries a message a user can read (in Russian)."""


class DomainError(Exception):
    """A refused action. `message` is shown to the user as is; nothing was changed."""

    http_status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ValidationFailed(DomainError):
    http_status = 422


class TransitionNotAllowed(DomainError):
    http_status = 409


class ConcurrentChange(DomainError):
    http_status = 409

    def __init__(self, message: str | None = None):
        super().__init__(
            message
            or "Запись была изменена другим пользователем. Обновите страницу и повторите действие."
        )


class PermissionDenied(DomainError):
    http_status = 403

    def __init__(self, message: str | None = None):
        super().__init__(message or "Недостаточно прав для этого действия.")
