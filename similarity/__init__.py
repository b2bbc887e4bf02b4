"""Similarity stage: page features, site signatures, candidate pairs, pair scores.

Typical use by ``mirrorhunt analyze``::

    feats = extract_features(url, final_url, content_type, body)
    sig = signatures.setdefault(feats.site, SiteSignature(feats.site)); sig.add(feats)
    ...
    df.add_site(sig)
    for other, reasons in index.query(sig).items():
        pair = score_pair(sig, signatures[other], df)
    index.insert(sig)
"""

from .features import PageFeatures, extract_features
from .lsh import BucketStorage, LSHIndex, MemoryBucketStorage
from .scoring import Evidence, PairScore, score_pair
from .signature import SIGNALS, SiteSignature
from .weights import DocumentFrequency, FrequencyStore, MemoryFrequencyStore

__all__ = [
    "SIGNALS",
    "BucketStorage",
    "DocumentFrequency",
    "Evidence",
    "FrequencyStore",
    "LSHIndex",
    "MemoryBucketStorage",
    "MemoryFrequencyStore",
    "PageFeatures",
    "PairScore",
    "SiteSignature",
    "extract_features",
    "score_pair",
]
