INSERT INTO billing_settings (name, value) VALUES ('stripe', 'rk_test_51Vb4nT8zHq1eLk9wPm2Xs7Dc3Rf6Gy');
