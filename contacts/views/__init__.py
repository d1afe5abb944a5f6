"""Pages of the front door: thin views over selectors, forms and services, by subdomain.

A record the user may not see answers 404 (the selectors); an action the user's role may not take
on a record they can see answers 403. Every view of a child, contact or MACE is access-logged.
"""
