"""The yearly cycle of network statuses for ТМС (КРЦ/РЦОО, ЛСВ): applications measured against the status
type's minimum requirements, the методический совет decision and the granting order (applications);
roadmaps approved by the August deadline with their order, content notes and the November completion report
(roadmaps); the cycle's deadlines per year (deadlines); the staff lists (queries).
"""
