"""Salesforce REST (OAuth, SOQL, query/queryAll, describe) as the stand-in serves it."""
