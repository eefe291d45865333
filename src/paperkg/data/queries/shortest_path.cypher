// shortest_path: the length of a shortest undirected path (at most 6 hops) between two entities.
// param source: name
// param target: name
MATCH (:NameKey {key: $source_key})-[:NAMES]->(a:Entity)
MATCH (:NameKey {key: $target_key})-[:NAMES]->(b:Entity)
WHERE a <> b
MATCH path = shortestPath((a)-[:INTRODUCES|USES|EVALUATES_ON|HAS_CODE|HAS_WEBSITE|VARIANT_OF|TRAINED_ON*..6]-(b))
RETURN a.name AS source, b.name AS target, length(path) AS hops
ORDER BY hops, source, target
LIMIT 1
