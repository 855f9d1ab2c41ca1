"""The staff's writes, one module per thing they act on: uploads.py (a document stored, checked
and queued, or deleted), runs.py (OCR again, or stop), review.py (pages and documents marked
reviewed), corrections.py (text corrected, and carried to a new run's results). Each raises
ApplicationError (documents/errors.py) with a message a user can act on; the queue's side is in
queue.py and worker.py."""
