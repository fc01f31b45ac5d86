"""Imported to load jieba's dictionary and tagger now: by the process that map workers fork from (parallel.warm_up)."""

from .lexicon import tag

tag("消费者")  # the first lookup loads the dictionary and the part-of-speech table
