"""Model registry and training records arrive with the CTA and LLM issues."""
