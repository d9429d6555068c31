"""Dispatch's pages: the login, the department desk (承办单位工作台) and the duty operator's
console (值班员控制台). Server-rendered (libs.common.http.pages), out of the OpenAPI document."""
