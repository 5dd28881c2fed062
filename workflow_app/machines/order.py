"""Order lifecycle: draft → approval → approved → signed → (amended | cancelled by a later signed order)."""
from ..models.orders import OrderStatus as S
from .base import Lifecycle, T

order_lifecycle = Lifecycle(
    "order", "Приказ", S, S.draft,
    [
        T("send_for_approval", "Направить на согласование", S.draft, S.approval),
        T("return_to_draft", "Вернуть на доработку", S.approval, S.draft, needs_reason=True),
        T("approve", "Согласовать", S.approval, S.approved),
        T("sign", "Подписать", S.approved, S.signed),
        T("amend", "Изменить последующим приказом", S.signed, S.amended),
        T("cancel", "Отменить последующим приказом", S.signed, S.cancelled),
    ],
    object_type="order_doc",
)
