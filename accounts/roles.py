"""The staff roles of the party school, as Django groups (created by a data migration).

Group names are data that people see in the admin, so they are in Chinese; code refers to
them only through these constants.
"""

INSTRUCTORS = "党校教师"  # write courses and lessons, keep question banks, grade
REVIEWERS = "课程审核员"  # approve course changes before they go live
ORGANIZERS = "组织员"  # run training classes and development records for their organizations
SCHOOL_ADMINS = "党委组织部"  # everything

ALL = [INSTRUCTORS, REVIEWERS, ORGANIZERS, SCHOOL_ADMINS]
