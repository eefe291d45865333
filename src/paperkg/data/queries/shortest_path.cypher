// shortest_path: the length of a shortest undirected path (at most 6 hops) between two entities.
// param source: str
// param target: str
MATCH (a:Entity)
WHERE toLower(a.name) = toLower($source)
   OR any(x IN coalesce(a.aliases, []) WHERE toLower(x) = toLower($source))
MATCH (b:Entity)
WHERE (toLower(b.name) = toLower($target)
   OR any(x IN coalesce(b.aliases, []) WHERE toLower(x) = toLower($target)))
  AND a <> b
MATCH path = shortestPath((a)-[*..6]-(b))
RETURN a.name AS source, b.name AS target, length(path) AS hops
ORDER BY hops, source, target
LIMIT 1
