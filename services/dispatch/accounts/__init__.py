"""Accounts of the people who log in to the pages (值班员、承办单位、管理员), their sessions and
the audit log, in dispatch's database.

Why dispatch: the duty operator's console and the department desk both act on cases, and
cases live here; the logins, the sessions and the audit entries of those actions sit
beside them in one database, so an action and who took it are never split across services.
Intake's reporter pages need no login (reporters are anonymous by design).
"""
