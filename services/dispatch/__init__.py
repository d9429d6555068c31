"""Dispatch (转办): place a triaged case, route it to a department, chase its deadline.

Pure domain: directory/ (jurisdiction data, gazetteer, places), routing, deadlines, chase,
decide; takedown/ (platforms, the signed callback, the re-check) and statistics/ are domain
packages of their own. The Kafka/MongoDB edges live beside them (app, handlers, store).
"""
