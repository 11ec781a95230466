"""Applications and cases: what applicants, officers and landlords see of them."""
