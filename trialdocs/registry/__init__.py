"""ClinicalTrials.gov and WHO registry output: serialisers, checker and import."""
