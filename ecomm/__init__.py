"""eComm Licenses: licensing and billing for the university system's eComm program."""
