"""Envelope for ORCID tokens: KMS encryption bound to the person they belong to.

The encryption context carries the person id, so a ciphertext copied onto another person's consent
does not decrypt, and every decrypt shows up in CloudTrail with the person it concerned.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from orcid_sync import aws

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient


class TokenCipher:
    def __init__(self, key_id: str, client: KMSClient | None = None) -> None:
        self._key_id = key_id
        self._client = client

    @property
    def _kms(self) -> KMSClient:
        return self._client or aws.kms()

    def encrypt(self, person_id: str, token: str) -> bytes:
        answer = self._kms.encrypt(
            KeyId=self._key_id,
            Plaintext=token.encode(),
            EncryptionContext={"person_id": person_id},
        )
        return answer["CiphertextBlob"]

    def decrypt(self, person_id: str, ciphertext: bytes) -> str:
        answer = self._kms.decrypt(
            CiphertextBlob=ciphertext,
            KeyId=self._key_id,
            EncryptionContext={"person_id": person_id},
        )
        return answer["Plaintext"].decode()
