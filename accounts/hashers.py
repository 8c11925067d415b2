"""How passwords are hashed: Argon2id with parameters measured on the school's kind of server.

Django's own Argon2 defaults (100 MiB, two passes, eight lanes) took 180 ms of one core per
hash on the 2-core machine the project is sized for (argon2-cffi computes the lanes one after
another there, so the lanes bought nothing). A morning when 3,000 learners log in within five
minutes needs ten hashes a second, which at 180 ms is most of both cores before any page is
served. These are OWASP's recommended Argon2id settings (46 MiB, one pass, one lane): 79 ms a
hash, measured on the 2-core machine when it was quiet, so the same morning costs about four
fifths of one core, and a guess costs an attacker 46 MiB of memory, which is what makes Argon2
expensive on GPUs.

The algorithm name stays "argon2": hashes made with other parameters (Django's defaults, an
earlier choice) still verify, and are rehashed with these at the next log-in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 47104  # KiB: 46 MiB
    parallelism = 1
