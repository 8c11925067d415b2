"""Question formats: parsing GIFT, Moodle XML and the Excel template into one plain shape
(``types``), and writing the Excel template. Pure modules: files in, plain values out."""
