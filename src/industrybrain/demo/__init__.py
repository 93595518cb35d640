"""The demo: the synthetic city loaded into the database with its users, projects and
diagnoses. It sits on top of the domain apps (it fills all of them), so that core, the
ground floor, need not know any of them."""
