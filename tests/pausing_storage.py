"""A file storage for test workers that stops, after it has written a PNG, for as many seconds
as PAUSE_AFTER_SAVING_PNG says: a certificate's render is then held with its picture on disk
and its transaction open, where a crash hurts most."""

import os
import time

from django.core.files.storage import FileSystemStorage


class PausingStorage(FileSystemStorage):
    def _save(self, name, content):
        saved = super()._save(name, content)
        pause = float(os.environ.get("PAUSE_AFTER_SAVING_PNG") or 0)
        if pause and saved.endswith(".png"):
            time.sleep(pause)
        return saved
