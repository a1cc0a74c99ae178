"""The reply prompt the model benchmarks send: Mia's, in rapport building, for one line.
Django-free, so benchmarks that start their own servers can import it before any setup."""

from __future__ import annotations

from mlops.prompts import PromptInputs, build_messages


def prompt(text: str) -> list[dict[str, str]]:
    return build_messages(
        PromptInputs(
            persona_name="Mia",
            persona_profile={"city": "Austin", "studies": "photography"},
            persona_phrases=["omg stop it 😂", "ok but tell me more"],
            journey_state="rapport_building",
            last_message=text,
        )
    )
