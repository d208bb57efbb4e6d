"""Open Referral HSDS 3.0 for Lotsa's directory: the public API (`api`), the shapes it serves
(`schemas`, `serialise`), Lotsa's profile of extra fields (`profile`), and the import
(`sources`, `tabular`, `importing`) and export (`exporting`) of HSDS data."""
