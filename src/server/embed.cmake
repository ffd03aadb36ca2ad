# Writes IN as a C++ raw string literal to OUT (the OpenAPI document).
file(READ ${IN} TEXT)
file(WRITE ${OUT} "R\"MAMORI_OPENAPI(${TEXT})MAMORI_OPENAPI\"")
