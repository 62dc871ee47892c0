"""The event rules' version, in one light module beside the rules it versions."""

RULES_VERSION = "88"
"""The event rules' version, part of what a history is derived with (the pipeline
replays the archive when it changes): raise it whenever a rule's output can change.
2: a list's schema is the set of its columns, not their order. 3: a list without a
field's column keeps the field's known value. 4: ids minted for a key ending with the
agency's own state reach the key without it; a new name with the same words as a known
agency's in its state is that agency. 5: an agency or county name written otherwise
(the same key, or the same key words in another order) is no change; a name beginning
with its own state before a dash or a colon has the key of the name without it; a new
name that adds or drops ``City of`` is the known agency of its state that has the rest.
6: a row written otherwise than its agreement's is that agreement's (an agency is not
split by one row). 7: a signed cell whose text is no date keeps the known date. 8: a
document file moved to another folder of its site is the same link. 9: a name written
with or without apostrophes is the same name. 10: an application approved under another
label of its agency is approved, not dropped; a typo fixed is one slip of the keyboard
in one word, in the same place; a parish is as generic as a county; the registry gives
one agency one id; a value blanked from a row still listed is held until its absence
persists; without papers, a state is corrected when only the new one has the county
named. 11: an application newly listed for an agreement in force under another label of
its agency is a signal, as under the agreement's own key; a letter doubled in the wrong
place is one slip. 12: a dropped application's note names the agreements listed since
under names alike. 13: an application still listed when its agreement is withdrawn is
pending again. 14: an agreement leaving one state and one arriving in another with the
same papers are one only under names alike in their cores too. 15: a new agreement under
a name no agency had is the one listed agency that name is by the rules (an agency
adding a model under its name written otherwise); a county cell blank beside a stated
one is the county the name begins with. 16: a list whose bytes are an older accepted list's
is held when reading it would record a change. 17: a document at the same path of another
site is the same link (a site moved). 18: a list that brings back values changed since
an earlier accepted list and lacks rows added since is held as an older list. 19: an
agreement of one agency leaving under one model and arriving under another with the same
MOA document, its own, is one agreement, its model relabelled. 20: a list changing the
values of many agreements at once is held until the change persists.
21: a row whose model cell says nothing is its agency's one agreement missing from the
list whose papers it shares. 22: a list giving many agencies another state or model at
once is held until the change persists. 23: one limit, min_row_loss, for the values,
states and models a list changes at once (a quarter of the list was too many). 24: a
change held and confirmed is dated by the held list, the first showing it (rows lost
count it among the lists lacking them). 25: a pending row without a readable model is
its agency's one application no other row shows (an application has no papers)."""
