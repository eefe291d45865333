// shortest_path: the length of a shortest undirected path (at most 6 hops) between two entities.
// param source: name
// param target: name
MATCH (k_source:NameKey {key: $source_key})-[:NAMES]->(a:Entity) USING INDEX k_source:NameKey(key)
MATCH (k_target:NameKey {key: $target_key})-[:NAMES]->(b:Entity) USING INDEX k_target:NameKey(key)
WHERE a <> b
MATCH path = shortestPath((a)-[:INTRODUCES|USES|EVALUATES_ON|HAS_CODE|HAS_WEBSITE|VARIANT_OF|TRAINED_ON*..6]-(b))
RETURN a.name AS source, b.name AS target, length(path) AS hops
ORDER BY hops, source, target
LIMIT 1
