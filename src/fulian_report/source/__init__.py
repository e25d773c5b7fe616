"""Source stage: YAML files read into values that remember where they were written."""
