"""``ice287g publish``: the database and archive turned into a folder to serve as it is
(a static site, Atom feeds and a documented data package)."""
