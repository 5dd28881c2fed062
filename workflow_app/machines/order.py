"""Order lifecycle: draft → approval → approved → signed → (amended | cancelled by a later signed order);
an order issued outside the system goes from its draft straight to «registered».

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
          effects=(f"{ORDERS}:reset_visas", f"{ORDERS}:close_order_requests")),
        # Staff or the signatory take an order under approval or approved back to the draft (a mistake
        # found late, an approver who left): the visas given are reset, nothing waits for anyone.
        T("reopen", "Вернуть в проект", [S.approval, S.approved], S.draft, needs_reason=True,
          effects=(f"{ORDERS}:reset_visas", f"{ORDERS}:close_order_requests")),
        T("approve", "Согласовать", S.approval, S.approved, effects=(f"{ORDERS}:ask_for_signature",)),
        T("sign", "Подписать", S.approved, S.signed, guards=(f"{ORDERS}:guard_signatory",),
          effects=(f"{ORDERS}:number_and_freeze", f"{ORDERS}:close_order_requests")),
        T("amend", "Изменить последующим приказом", S.signed, S.amended),
        T("cancel", "Отменить последующим приказом", S.signed, S.cancelled),
        T("register", "Зарегистрировать внешний приказ", S.draft, S.registered,
          guards=(f"{ORDERS}:guard_registrable",)),
    ],
    object_type="order_doc",
)
