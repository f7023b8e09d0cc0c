"""Each function's role from template.yaml, enforced on the local stack as IAM would enforce it.

While a handler runs (`FunctionSpec.call`), every AWS call it makes through botocore is checked
against the inline policy statements of its function in template.yaml; a call no statement allows
fails with AccessDeniedException, the error AWS answers. So a new call in the code with no grant in
the template fails the tests and the demo here, not the first deployment.

What it understands: `Allow` statements with actions and resources (the wildcards `*` and `?`), and
the resources of the calls our functions make — DynamoDB tables and indexes, SQS queues, KMS keys
(Decrypt is checked against the key named in AWS's answer, as the ciphertext names it), Secrets
Manager secrets. A call whose resource it cannot name is allowed only by a statement with
`Resource: "*"`. Anything else in a function's Policies (Deny, conditions, SAM policy templates,
managed policies) is refused when the stack starts, so nothing is silently left unchecked. SQS
permissions of the event source mappings are Lambda's, not the handler's, and are not checked.
"""

from __future__ import annotations

import contextvars
import fnmatch
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from botocore.client import BaseClient
from botocore.exceptions import ClientError

from infra.local.template import Resolver

# IAM has no action of its own for these SQS batch operations: they need the single one's permission.
_SQS_ACTIONS = {
    "SendMessageBatch": "SendMessage",
    "DeleteMessageBatch": "DeleteMessage",
    "ChangeMessageVisibilityBatch": "ChangeMessageVisibility",
}


# A transaction's items need the permission of the call each stands for.
_TRANSACT_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}


class UncheckablePolicy(ValueError):
    """A function's Policies hold something the local stack cannot enforce faithfully."""


@dataclass(frozen=True)
class Statement:
    actions: tuple[str, ...]
    resources: tuple[str, ...]

    def allows(self, action: str, resource: str | None) -> bool:
        if not any(fnmatch.fnmatchcase(action.lower(), pattern.lower()) for pattern in self.actions):
            return False
        if resource is None:
            return "*" in self.resources
        return any(fnmatch.fnmatchcase(resource, pattern) for pattern in self.resources)


@dataclass(frozen=True)
class Role:
    """One function's permissions, and how to name the resources of its calls as ARNs."""

    function: str
    statements: tuple[Statement, ...]
    region: str
    account: str

    def allows(self, action: str, resource: str | None) -> bool:
        return any(statement.allows(action, resource) for statement in self.statements)

    def check(self, service: str, operation: str, params: Mapping[str, Any]) -> None:
        """Before the call: raise AccessDeniedException unless every resource it names is allowed."""
        if service == "dynamodb" and operation == "TransactWriteItems":
            # IAM checks each item of a transaction as the single call it stands for.
            for entry in params.get("TransactItems", []):
                for kind, item in entry.items():
                    self.check(service, _TRANSACT_ACTIONS[kind], item)
            return
        action = f"{service}:{_SQS_ACTIONS.get(operation, operation) if service == 'sqs' else operation}"
        for resource in self.resources(service, params):
            if not self.allows(action, resource):
                raise self.denied(operation, action, resource)

    def check_answer(self, service: str, operation: str, answer: Mapping[str, Any]) -> None:
        """After the call, for what only the answer names: the key a KMS ciphertext was made with."""
        key = str(answer.get("KeyId", ""))
        if service == "kms" and operation == "Decrypt" and key and not self.allows("kms:Decrypt", key):
            raise self.denied(operation, "kms:Decrypt", str(answer["KeyId"]))

    def resources(self, service: str, params: Mapping[str, Any]) -> list[str | None]:
        arn = f"arn:aws:{service}:{self.region}:{self.account}"
        if service == "dynamodb":
            tables = [params["TableName"]] if "TableName" in params else list(params.get("RequestItems", {}))
            index = f"/index/{params['IndexName']}" if "IndexName" in params else ""
            return [f"{arn}:table/{table}{index}" for table in tables] or [None]
        if service == "sqs" and "QueueUrl" in params:
            return [f"{arn}:{str(params['QueueUrl']).rstrip('/').rsplit('/', 1)[-1]}"]
        if service == "kms" and "KeyId" in params:
            return [_kms_key(arn, str(params["KeyId"]))]
        if service == "kms":
            return []  # Decrypt without KeyId: checked against the answer's key (check_answer)
        if service == "secretsmanager" and "SecretId" in params:
            secret = str(params["SecretId"])
            # A name stands for its ARN, which ends in "-" and six random characters.
            return [secret if secret.startswith("arn:") else f"{arn}:secret:{secret}-XXXXXX"]
        return [None]

    def denied(self, operation: str, action: str, resource: str | None) -> ClientError:
        message = (
            f"User: arn:aws:sts::{self.account}:assumed-role/{self.function}Role/{self.function} "
            f"is not authorized to perform: {action} on resource: {resource or '*'} because no "
            "identity-based policy allows the action (template.yaml, the function's Policies)"
        )
        return ClientError({"Error": {"Code": "AccessDeniedException", "Message": message}}, operation)


def _kms_key(arn: str, key_id: str) -> str:
    if key_id.startswith("arn:"):
        return key_id
    if key_id.startswith("alias/"):
        return f"{arn}:{key_id}"
    return f"{arn}:key/{key_id}"


def role_of(template: Mapping[str, Any], function: str, resolve: Resolver, region: str, account: str) -> Role:
    """The inline statements of a function's Policies, resolved against the local stack's resources."""
    properties = template["Resources"][function].get("Properties", {})
    statements: list[Statement] = []
    for policy in properties.get("Policies") or []:
        if not isinstance(policy, dict) or set(policy) - {"Version", "Statement"}:
            raise UncheckablePolicy(f"{function}: only inline policy documents are checked, not {policy!r}")
        for raw in policy.get("Statement", []):
            if raw.get("Effect") != "Allow" or set(raw) - {"Sid", "Effect", "Action", "Resource"}:
                raise UncheckablePolicy(f"{function}: statement {raw.get('Sid', '?')} is not a plain Allow")
            statements.append(Statement(_strings(raw["Action"]), _strings(resolve(raw["Resource"]))))
    return Role(function, tuple(statements), region, account)


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(item) for item in (value if isinstance(value, list) else [value]))


# --- enforcement: botocore's one door, guarded while a handler runs -------------------------------
_current: contextvars.ContextVar[Role | None] = contextvars.ContextVar("local_role", default=None)
_install_lock = threading.Lock()
_installed: list[Callable[..., Any]] = []


@contextmanager
def acting_as(role: Role | None) -> Iterator[None]:
    """Run the block with `role`'s permissions (None: unchecked, as the stack's own calls are)."""
    _install()
    token = _current.set(role)
    try:
        yield
    finally:
        _current.reset(token)


def _install() -> None:
    with _install_lock:
        if _installed:
            return
        original = BaseClient._make_api_call  # type: ignore[attr-defined]

        def checked(self: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
            role = _current.get()
            if role is None:
                return original(self, operation_name, api_params)
            service = self.meta.service_model.service_name
            role.check(service, operation_name, api_params)
            answer = original(self, operation_name, api_params)
            role.check_answer(service, operation_name, answer)
            return answer

        BaseClient._make_api_call = checked  # type: ignore[attr-defined]
        _installed.append(original)
