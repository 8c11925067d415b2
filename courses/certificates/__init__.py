"""Completion certificates (结业证书): serials, signatures and the printed document."""
