"""Record-type descriptors: how carriers and switches name the kind of a record, and their variants.

The vocabulary takes every descriptor of the built-in layouts' value maps (``raybench.catalog``) and the
3GPP MSC record names and billing words of ../shared/reference/carrier-formats.md (1.1-1.4, 1.10), and
adds common spellings. :func:`descriptor_corpus` writes them the ways exports do (case, separators,
``MO``/``MT`` prefixes, abbreviations), seeded.
"""

from __future__ import annotations

import random

from raybench.schema import RECORD_TYPES

VOCABULARY: dict[str, tuple[str, ...]] = {
    "voice": ("VOICE", "Voice", "MO VOICE", "MT VOICE", "CF VOICE", "mSOriginating", "mSTerminating",
              "callForwarding", "moc", "mtc", "call", "Voice Call", "Mobile Originated Call",
              "Mobile Terminated Call", "Incoming Call", "Outgoing Call", "Phone Call", "Telephony", "TEL",
              "Voice In", "Voice Out", "Local Call", "Long Distance", "International Call", "Roaming Call",
              "VoLTE", "VoLTE Call", "Wi-Fi Calling", "Forwarded Call", "Call Forward", "Conference Call",
              "Voice MO", "Voice MT", "Circuit Switched Call", "Emergency Call", "Toll Free Call", "Calls"),
    "sms": ("SMS", "Text", "text", "Text Msg", "Text Message", "TXT", "SMS MO", "SMS MT", "mSOriginatingSMSinMSC",
            "mSTerminatingSMSinMSC", "SMSc", "SMS In", "SMS Out", "Short Message", "MO SMS", "MT SMS",
            "SMS-MO", "SMS-MT", "Texting", "Txt Msg", "Text Messages", "SMS Message", "Short Message Service",
            "sMSOriginating", "sMSTerminating", "Messaging (SMS)", "Text In", "Text Out"),
    "mms": ("MMS", "Pic/Video Msg", "Picture Msg", "Picture Message", "Video Message", "Multimedia Message",
            "MMS MO", "MMS MT", "Pic Msg", "Photo Msg", "Multimedia Msg", "Picture/Video", "MMS In", "MMS Out",
            "Pic/Video Message", "Multimedia Messaging", "Video Msg", "Photo Message"),
    "data": ("DATA", "Data", "GPRS", "PDP Context", "sGWRecord", "pGWRecord", "Data Session", "Internet",
             "Mobile Data", "LTE Data", "Packet Data", "Web", "WAP", "Data Usage", "IP Session", "Browsing",
             "Data Transfer", "4G Data", "5G Data", "Packet Switched", "gPRSRecord", "Data Connection"),
    "voicemail": ("VM DEPOSIT", "VM RETRIEVAL", "Voicemail", "Voice Mail", "VMAIL", "VM", "Voicemail Deposit",
                  "Voicemail Retrieval", "Voice Mail Retrieval", "VM Access", "Visual Voicemail",
                  "Call to Voicemail", "Voicemail Check", "VM Retrieve", "VM Deposit", "Voice Mailbox",
                  "Mailbox Access", "Voicemail Left"),
    "other": ("RCS-IMChat", "RCS", "IM", "Chat", "Fax", "FAX", "USSD", "Supplementary Service", "SS Action",
              "Location Update", "locUpdateHLR", "Unknown", "Other", "Misc", "N/A", "Feature Code",
              "Operator Service", "Directory Assistance", "RCS Chat", "Instant Message", "Push Notification",
              "Subscription", "Top Up", "Recharge", "Balance Inquiry"),
}
"""Canonical record type -> descriptors with that meaning."""

HELD_OUT: dict[str, tuple[str, ...]] = {
    "voice": ("Inbound Call", "Outbound Voice", "Voice Call MO", "CALL_VOICE"),
    "sms": ("Text Msg Out", "SMS Delivered", "Outgoing Text"),
    "mms": ("Picture Msg In", "MMS Received"),
    "data": ("Mobile Internet", "Data Session LTE"),
    "voicemail": ("Voicemail Retrieve", "VM Deposit In"),
    "other": ("RCS Message", "USSD Request"),
}
"""Descriptors the model never sees in training; reported separately by the evaluation (no target)."""

_ABBREV = (("Message", "Msg"), ("Messages", "Msgs"), ("Voicemail", "VM"), ("Voice Mail", "VM"),
           ("Call", "Cll"), ("Picture", "Pic"), ("Video", "Vid"), ("Text", "Txt"), ("Originating", "Orig"),
           ("Terminating", "Term"), ("Incoming", "In"), ("Outgoing", "Out"))


def perturb_descriptor(value: str, rng: random.Random) -> str:
    """``value`` written another way: case, separators, a direction prefix or suffix, an abbreviation."""
    if rng.random() < 0.3:
        old, new = rng.choice(_ABBREV)
        value = value.replace(old, new)
    if rng.random() < 0.2:
        value = rng.choice(("MO ", "MT ", "IN ", "OUT ", "Incoming ", "Outgoing ")) + value
    elif rng.random() < 0.15:
        value = value + rng.choice((" IN", " OUT", " (R)", " Roam", "-MO", "-MT", " Intl"))
    r = rng.random()
    if r < 0.2:
        value = value.upper()
    elif r < 0.35:
        value = value.lower()
    elif r < 0.45:
        value = value.replace(" ", "_")
    elif r < 0.52:
        value = value.replace(" ", "")
    elif r < 0.58:
        value = value.replace(" ", "-")
    if rng.random() < 0.1:
        value = f" {value} "
    return value


def descriptor_corpus(seed: int, per_value: int) -> list[tuple[str, str]]:
    """``(descriptor, record_type)`` pairs: each vocabulary entry as written and ``per_value - 1`` variants.

    Args:
        seed: decides the variants (training and evaluation use different seeds).
        per_value: strings per vocabulary entry.
    """
    rng = random.Random(f"descriptors:{seed}")
    out: list[tuple[str, str]] = []
    for record_type in RECORD_TYPES:
        for value in VOCABULARY[record_type]:
            out.append((value, record_type))
            out.extend((perturb_descriptor(value, rng), record_type) for _ in range(per_value - 1))
    return out
