"""The career assistant: model engines, grounding, prompts and the answer pipeline."""
