"""Hostile inputs shared by the tests and the benchmarks that replay the same attacks."""

# Forty misspelt words, none of them indexed: each once asked for a spelling suggestion, which
# compared it with the whole vocabulary and tied up a worker for 17-20 s.
MISSPELT = (
    "securty humanitarain ceasfire sanctons resolutoin councel memebr stetes internatonal peacekeepng "
    "delegaton presidnt secretry generel asembly violance refugess terorism elecions negotiatons "
    "agrement protecton civlians accountabilty reconcilation stabilty developement assistence "
    "cooperaton comittee mandat extenson obsevers monitorng withdrawl disarmamant implementaton "
    "transiton governmnet ceasfires"
)
