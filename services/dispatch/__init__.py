"""Dispatch (转办): place a triaged case, route it to a department, chase its deadline.

Pure domain: directory/ (jurisdiction data), places, routing, deadlines, chase, decide;
the Kafka/MongoDB edges live beside them (app, handlers, store).
"""
