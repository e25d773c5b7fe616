"""Model stage: typed figures and the pydantic models of each data file."""
