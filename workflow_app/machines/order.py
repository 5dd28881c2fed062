"""Order lifecycle: draft → approval → approved → signed → (amended | cancelled by a later signed order).

Sending for approval needs a title, items, configured approvers and a designated signatory, and opens
a visa round; only the designated signatory signs, and signing numbers the order, freezes its PDF/DOCX
and applies the effects of its kind.
"""
from ..models.orders import OrderStatus as S
from .base import Lifecycle, T

ORDERS = "workflow_app.services.orders"

order_lifecycle = Lifecycle(
    "order", "Приказ", S, S.draft,
    [
        T("send_for_approval", "Направить на согласование", S.draft, S.approval,
          guards=(f"{ORDERS}:guard_ready",), effects=(f"{ORDERS}:open_visa_round",)),
        T("return_to_draft", "Вернуть на доработку", S.approval, S.draft, needs_reason=True,
          effects=(f"{ORDERS}:close_order_requests",)),
        T("approve", "Согласовать", S.approval, S.approved, effects=(f"{ORDERS}:ask_for_signature",)),
        T("sign", "Подписать", S.approved, S.signed, guards=(f"{ORDERS}:guard_signatory",),
          effects=(f"{ORDERS}:number_and_freeze", f"{ORDERS}:close_order_requests")),
        T("amend", "Изменить последующим приказом", S.signed, S.amended),
        T("cancel", "Отменить последующим приказом", S.signed, S.cancelled),
    ],
    object_type="order_doc",
)
